import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';

/**
 * Documents a list route as it answers: `{ items: [...] }`, with the merchant's id beside the items
 * when the list is one merchant's (`{ merchantId, items }`), not as a bare array.
 */
export function ApiListOkResponse(item: Type<unknown>, options: { merchantId?: boolean } = {}): MethodDecorator & ClassDecorator {
  const merchantId = options.merchantId === true;
  return applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: merchantId ? ['merchantId', 'items'] : ['items'],
        properties: { ...(merchantId ? { merchantId: { type: 'string' } } : {}), items: { type: 'array', items: { $ref: getSchemaPath(item) } } },
      },
    }),
  );
}
