import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { DomainException, ErrorCode, ValidationFailedException } from '#yizhi/core';

/** The largest file POST /deals/import reads (@fastify/multipart's fileSize limit, set where the plugin is registered). */
export const IMPORT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * An uploaded file, spooled to a temporary file as it arrived: nothing of it is held in memory,
 * and what the import needs to know before it reads it (its hash for the Idempotency-Key, its
 * first bytes, whether it is valid UTF-8) was worked out on the way.
 */
export interface SpooledFile {
  path: string;
  bytes: number;
  /** SHA-256 of the content, hex. */
  sha256: string;
  /** The first bytes (up to 4): enough to tell an XLSX (a zip) and a UTF-8 BOM. */
  head: Buffer;
  /** Whether the whole content is valid UTF-8 (else a CSV is read as GBK). */
  utf8: boolean;
}

/** A Transform that passes the bytes on while it hashes them, counts them and checks that they are UTF-8. */
class Inspector extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  head = Buffer.alloc(0);
  utf8 = true;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.head.length < 4) this.head = Buffer.concat([this.head, chunk.subarray(0, 4 - this.head.length)]);
    if (this.utf8) this.utf8 = this.decodes(chunk, true);
    done(null, chunk);
  }

  override _flush(done: () => void): void {
    if (this.utf8) this.utf8 = this.decodes(new Uint8Array(0), false);
    done();
  }

  private decodes(chunk: Uint8Array, stream: boolean): boolean {
    try {
      this.decoder.decode(chunk, { stream });
      return true;
    } catch {
      return false;
    }
  }
}

const tooLarge = () =>
  new DomainException(ErrorCode.PayloadTooLarge, 413, `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MiB`, [
    { field: 'file', message: `is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MiB` },
  ]);

/**
 * A multipart form's one file (field `file`), spooled to a temporary directory, and its text
 * fields, each refused by name when unexpected. The caller removes the file with `dispose`, which
 * is also done here on any refusal.
 */
export async function receiveUpload(
  request: FastifyRequest,
  fieldNames: readonly string[],
): Promise<{ file: SpooledFile; fields: Record<string, string>; dispose: () => Promise<void> }> {
  if (!request.isMultipart()) {
    throw new DomainException(ErrorCode.UnsupportedMediaType, 415, 'Send multipart/form-data with the spreadsheet in the field "file"', [
      { field: 'file', message: 'must be sent as multipart/form-data' },
    ]);
  }
  const directory = await mkdtemp(join(tmpdir(), 'yizhi-import-'));
  const dispose = () => rm(directory, { recursive: true, force: true });
  let file: SpooledFile | undefined;
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw ValidationFailedException.field(
            part.fieldname,
            `${part.fieldname} is not an allowed field; send the spreadsheet as "file"`,
          );
        }
        if (file) {
          part.file.resume();
          throw ValidationFailedException.field('file', 'send one file');
        }
        const path = join(directory, 'upload');
        const inspector = new Inspector();
        await pipeline(part.file, inspector, createWriteStream(path));
        if (part.file.truncated) throw tooLarge();
        file = { path, bytes: inspector.bytes, sha256: inspector.hash.digest('hex'), head: inspector.head, utf8: inspector.utf8 };
      } else {
        if (!fieldNames.includes(part.fieldname))
          throw ValidationFailedException.field(part.fieldname, `${part.fieldname} is not an allowed field`);
        fields[part.fieldname] = String(part.value);
      }
    }
    if (!file || file.bytes === 0) throw ValidationFailedException.field('file', 'file is required: the spreadsheet (CSV or XLSX)');
    return { file, fields, dispose };
  } catch (error) {
    await dispose();
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (typeof code === 'string' && code.startsWith('FST_'))
      throw ValidationFailedException.field('file', `the form could not be read: ${(error as Error).message}`);
    throw error;
  }
}
