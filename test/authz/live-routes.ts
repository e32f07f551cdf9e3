import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_PREFIX, OPERATIONAL_ROUTES } from '../../src/app/create-api.js';

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, '');

/**
 * The route table of the running app, as `METHOD /path/:param`: every handler of every controller
 * Nest mounted, with the global prefix applied as the app applies it (operational routes excluded).
 * Each route is then confirmed against Fastify's router, so the list is what the server answers.
 * (Swagger's /docs routes are mounted straight on Fastify, not by a controller, and so are left out.)
 */
export function liveRoutes(app: NestFastifyApplication): string[] {
  const scanner = new MetadataScanner();
  const fastify = app.getHttpAdapter().getInstance();
  const routes = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
      if (!controller?.prototype) continue;
      const classPaths = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (methodPaths === undefined || method === undefined) continue;
        for (const classPath of classPaths) {
          for (const methodPath of [methodPaths].flat()) {
            const path = [trimSlashes(classPath), trimSlashes(methodPath)].filter(Boolean).join('/');
            const prefixed = OPERATIONAL_ROUTES.includes(path) ? `/${path}` : `/${[API_PREFIX, path].filter(Boolean).join('/')}`;
            const verb = RequestMethod[method];
            if (!fastify.hasRoute({ method: verb as 'GET', url: prefixed })) {
              throw new Error(`${verb} ${prefixed} is declared by ${controller.name}.${name} but Fastify does not serve it`);
            }
            routes.add(`${verb} ${prefixed}`);
          }
        }
      }
    }
  }
  return [...routes].sort();
}
