import { ApiProperty } from '@nestjs/swagger';
import { type ProductView } from '@shop/inventory';

export class ProductResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Minor units (cents)' }) priceCents!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty() onHand!: number;
  @ApiProperty() reserved!: number;
  @ApiProperty({ description: 'onHand - reserved' }) available!: number;
  @ApiProperty() revision!: string;
  @ApiProperty() registeredAt!: string;
  @ApiProperty() updatedAt!: string;
}

export const toProductResponse = (view: ProductView): ProductResponse => ({
  id: view._id,
  sku: view.sku,
  name: view.name,
  priceCents: view.priceCents,
  currency: view.currency,
  onHand: view.onHand,
  reserved: view.reserved,
  available: view.available,
  revision: String(view.revision),
  registeredAt: view.registeredAt.toISOString(),
  updatedAt: view.updatedAt.toISOString(),
});
