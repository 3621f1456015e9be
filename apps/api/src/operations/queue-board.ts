import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { queueBoardAccess, type QueueBoardAccessOptions } from './queue-board-access.js';

/** The dashboard's root, outside the /api/v1 prefix (API.md). */
export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * bull-board over every queue, at QUEUE_BOARD_PATH, for admins only. It is a Fastify plugin, so
 * Nest's guards never see its routes: it is registered inside a plugin of its own whose
 * onRequest hook checks our access tokens (queue-board-access.ts), and that encapsulated
 * context keeps the hook off every other route. Its routes are hidden from the OpenAPI document.
 */
export async function registerQueueBoard(
  app: NestFastifyApplication,
  options: Omit<QueueBoardAccessOptions, 'path'> & { queues: Queue[] },
): Promise<void> {
  const board = new BoardAdapter().setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: '易智网 queues' } },
  });
  const access = queueBoardAccess({ path: QUEUE_BOARD_PATH, verify: options.verify, secureCookie: options.secureCookie });
  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', access);
    await scope.register(board.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}
