import type { INestApplication, Provider, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ProblemDetailsFilter } from '@penalty/runtime';

export interface ServedControllers {
  baseUrl: string;
  /** GET `path` (with its query string): the status, the content type and the parsed JSON body. */
  get(path: string): Promise<{ status: number; contentType: string; body: any }>;
  close(): Promise<void>;
}

/**
 * Controllers behind a real HTTP listener on a loopback port, with the services' one mapping of errors to
 * problem details, so that a spec sees what a client sees: the query string as Express parses it, the
 * status and the problem document. Authentication is not mounted: the route's logic is what is tested.
 */
export async function serveControllers(controllers: Type<unknown>[], providers: Provider[]): Promise<ServedControllers> {
  const moduleRef = await Test.createTestingModule({ controllers, providers }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  app.useGlobalFilters(new ProblemDetailsFilter());
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    async get(path) {
      const response = await fetch(`${baseUrl}${path}`);
      const text = await response.text();
      return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
    },
    close: () => app.close(),
  };
}
