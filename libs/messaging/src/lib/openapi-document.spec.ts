import 'reflect-metadata';
import { Controller, Get, Module, Post, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiOperation } from '@nestjs/swagger';
import { API_KEY_VERIFIER, ApiKeyScope } from '@penalty/auth';
import { Public } from '@penalty/runtime';
import { buildOpenApiDocument } from './openapi-document';

@Controller('v1')
class ExampleController {
  @Get('health')
  @Public()
  @ApiOperation({ summary: 'public' })
  health(): string {
    return 'ok';
  }

  @Get('things')
  @ApiOperation({ summary: 'read' })
  read(): string {
    return 'things';
  }

  @Post('things')
  @ApiOperation({ summary: 'command' })
  change(): string {
    return 'changed';
  }

  @Post('events')
  @ApiKeyScope('events:write')
  @ApiOperation({ summary: 'ingest' })
  ingest(): string {
    return 'accepted';
  }
}

@Module({ controllers: [ExampleController] })
class WithoutKeys {}

@Module({ controllers: [ExampleController], providers: [{ provide: API_KEY_VERIFIER, useValue: { verify: async () => null } }] })
class WithKeys {}

async function documentOf(module: Type<unknown>) {
  // Preview mode, as the generator builds the checked-in documents: metadata only, no provider made.
  const app = await NestFactory.create(module, { preview: true, logger: false });
  try {
    return buildOpenApiDocument(app, { title: 'example', description: 'an example service' });
  } finally {
    await app.close();
  }
}

describe('buildOpenApiDocument', () => {
  it('applies security per operation as the AuthGuard decides it: none when public, the CSRF header with the cookie on unsafe methods', async () => {
    const document = await documentOf(WithoutKeys);
    expect(document.paths['/v1/health'].get!.security).toEqual([]);
    expect(document.paths['/v1/things'].get!.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(document.paths['/v1/things'].post!.security).toEqual([{ bearer: [] }, { cookie: [], csrf: [] }]);
    // A service that verifies no API keys does not offer them, even where a route names a scope.
    expect(document.paths['/v1/events'].post!.security).toEqual([{ bearer: [] }, { cookie: [], csrf: [] }]);
    expect(Object.keys(document.components!.securitySchemes!).sort()).toEqual(['bearer', 'cookie', 'csrf']);
  });

  it('offers an API key where the route takes one and the service verifies keys, naming the scope', async () => {
    const document = await documentOf(WithKeys);
    expect(document.paths['/v1/events'].post!.security).toEqual([{ bearer: [] }, { cookie: [], csrf: [] }, { apiKey: [] }]);
    expect(document.paths['/v1/events'].post!.description).toContain('`events:write`');
    expect(document.paths['/v1/things'].post!.security).not.toContainEqual({ apiKey: [] });
  });

  it('describes servers, the licence and every error answer with the one ProblemDetails schema', async () => {
    const document = await documentOf(WithoutKeys);
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(document.info.license).toEqual({ name: 'Proprietary' });
    expect(document.paths['/v1/things'].post!.responses['401']).toMatchObject({ content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } } });
  });
});
