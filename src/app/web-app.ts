import fastifyStatic from '@fastify/static';
import { Logger, NotFoundException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendProblem } from '../common/errors/problem.filter.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));
/** Where `npm run build` puts the web app (web/build.mjs). */
export const WEB_ROOT = join(projectRoot, 'dist', 'web');

/** Paths the server answers itself: a miss there is a 404 problem, never the app shell. */
const SERVER_PATH = /^\/(api(\/|$)|health(\/|$)|metrics(\/|$)|docs|admin\/queues(\/|$))/;

/**
 * Serves the built single-page app at `/`: its files as they are, and `index.html` for any other
 * GET that is a client route (/tasks, /unit/…, /manage/…), so a reload or a shared link opens the app.
 */
export async function serveWebApp(app: NestFastifyApplication, root = WEB_ROOT): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) return;
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    // Hashed assets never change; the shell, the manifest and the service worker must be fresh.
    setHeaders: (reply, path) => {
      void reply.header('cache-control', path.startsWith(join(root, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const logger = new Logger('WebApp');
  fastify.get('/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (SERVER_PATH.test(path) || /\.[a-z0-9]+$/i.test(path)) {
      sendProblem(new NotFoundException(`Cannot GET ${path}`), request, reply, logger);
      return;
    }
    void reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
