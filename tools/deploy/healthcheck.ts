/**
 * The image's HEALTHCHECK: GET /health/live on this container's HTTP_PORT; exit 0 when it answers 2xx.
 * Node's own fetch, so the slim image needs no curl.
 */
const port = process.env.HTTP_PORT ?? '3000';
fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(4_000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
