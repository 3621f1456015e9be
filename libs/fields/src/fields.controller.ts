import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CachedResponse } from '#yizhi/core';
import { FieldsService } from './fields.service.js';

class FieldView {
  @ApiProperty({ example: 'ic' }) code: string;
  @ApiProperty({ example: '集成电路' }) name: string;
}

class FieldListView {
  @ApiProperty({ type: [FieldView] }) items: FieldView[];
}

@ApiTags('fields')
@Controller('fields')
export class FieldsController {
  constructor(private readonly fields: FieldsService) {}

  // The taxonomy changes only through the seed (a deploy), so a long TTL is safe.
  @CachedResponse('fields', 300)
  @Get()
  @ApiOkResponse({ type: FieldListView })
  async list(): Promise<FieldListView> {
    const fields = await this.fields.list();
    return { items: fields.map(({ code, name }) => ({ code, name })) };
  }
}
