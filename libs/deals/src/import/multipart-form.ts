import type { FastifyRequest } from 'fastify';
import { DomainException, ErrorCode, ValidationFailedException } from '#yizhi/core';

/** The largest file POST /deals/import reads (@fastify/multipart's fileSize limit, set where the plugin is registered). */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

/** A multipart form's one file (field `file`) and its text fields, each refused by name when unexpected. */
export async function readUploadForm(
  request: FastifyRequest,
  fieldNames: readonly string[],
): Promise<{ file: Buffer; fields: Record<string, string> }> {
  if (!request.isMultipart()) {
    throw new DomainException(ErrorCode.UnsupportedMediaType, 415, 'Send multipart/form-data with the spreadsheet in the field "file"', [
      { field: 'file', message: 'must be sent as multipart/form-data' },
    ]);
  }
  let file: Buffer | undefined;
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const content = await part.toBuffer();
        if (part.fieldname !== 'file')
          throw ValidationFailedException.field(
            part.fieldname,
            `${part.fieldname} is not an allowed field; send the spreadsheet as "file"`,
          );
        if (file) throw ValidationFailedException.field('file', 'send one file');
        file = content;
      } else {
        if (!fieldNames.includes(part.fieldname))
          throw ValidationFailedException.field(part.fieldname, `${part.fieldname} is not an allowed field`);
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new DomainException(ErrorCode.PayloadTooLarge, 413, `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MiB`, [
        { field: 'file', message: `is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MiB` },
      ]);
    }
    if (typeof code === 'string' && code.startsWith('FST_'))
      throw ValidationFailedException.field('file', `the form could not be read: ${(error as Error).message}`);
    throw error;
  }
  if (!file || file.length === 0) throw ValidationFailedException.field('file', 'file is required: the spreadsheet (CSV or XLSX)');
  return { file, fields };
}
