import { OrderCommand } from '../order-command';

export class ShipOrderCommand extends OrderCommand {}
