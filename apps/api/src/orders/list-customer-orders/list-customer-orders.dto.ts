import { PageQuery } from '../../http/page.query';

export class ListCustomerOrdersRequest extends PageQuery {}
