import { ApiProperty } from '@nestjs/swagger';

export class AcceptedDto {
  @ApiProperty({ description: 'the CloudEvent id' }) id: string;
  @ApiProperty({ enum: ['ACCEPTED', 'DUPLICATE'], description: 'DUPLICATE: this event id was accepted before; nothing more is done' })
  status: 'ACCEPTED' | 'DUPLICATE';
}
