import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestRef } from '../logging/request-logging.js';
import { preferredLanguage } from './problem-titles.js';
import { toProblem } from './problem.js';

/** The single place where errors become HTTP responses (`application/problem+json`). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}

export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Pick<Logger, 'error'>): void {
  const lang = preferredLanguage(request.headers['accept-language']);
  const { problem, headers, unexpected } = toProblem(error, {
    lang,
    path: request.url?.split('?')[0],
    requestId: String(request.id),
  });
  if (unexpected) {
    logger.error({ ...requestRef(String(request.id)), err: error, requestId: request.id, url: request.url }, 'Unhandled error');
  }
  if (reply.sent) return;
  void reply
    .status(problem.status)
    .headers({ ...headers, 'content-type': 'application/problem+json; charset=utf-8', 'content-language': lang })
    .send(problem);
}
