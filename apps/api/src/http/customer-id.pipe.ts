import { Injectable, type PipeTransform } from '@nestjs/common';
import { isSubject, SUBJECT_RULE } from '@shop/auth';
import { ValidationError } from '@shop/event-sourcing';

/** A customer id in a path: the customer's token subject, opaque (`auth0|...`), percent-encoded in URLs. */
@Injectable()
export class ParseCustomerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isSubject(value)) {
      throw new ValidationError('invalid_customer_id', `A customer id is ${SUBJECT_RULE}`);
    }
    return value;
  }
}
