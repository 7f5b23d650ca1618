/**
 * The ticket search attributes registered on the namespace before a worker takes tickets:
 * a workflow that upserts one the namespace does not know fails its task again and again,
 * so a ticket would stop taking changes the first time, say, a tag is put on it after an
 * upgrade. The dev server gets them on its command line; a namespace of its own gets the
 * missing ones here, or the worker refuses to start and says how to add them.
 */
import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES, SEARCH_ATTRIBUTE_DECLARATIONS } from './definitions';

const Indexed = temporal.api.enums.v1.IndexedValueType;
const INDEXED: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: Indexed.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: Indexed.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: Indexed.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: Indexed.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: Indexed.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: Indexed.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: Indexed.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Adds the ticket search attributes the namespace lacks; the names added (none: all were there). */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace, searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED[key.type]])),
    });
  } catch (error) {
    const names = missing.map((key) => key.name);
    const wanted = SEARCH_ATTRIBUTE_DECLARATIONS.filter((declaration) => names.includes(declaration.split('=')[0]!));
    throw new Error(`Temporal namespace "${namespace}" lacks the search attributes ${names.join(', ')} and this worker may not add them `
      + `(${(error as Error).message}). Add them once, then start the worker again:\n${wanted
        .map((d) => `  temporal operator search-attribute create --namespace ${namespace} --name ${d.split('=')[0]} --type ${d.split('=')[1]}`).join('\n')}`);
  }
  return missing.map((key) => key.name);
}
