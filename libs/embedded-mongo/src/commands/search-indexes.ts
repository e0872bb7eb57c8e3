import { MongoServerError } from '../engine/errors';
import type { Handler } from './env';

/** Atlas Search needs a search engine beside mongod; a plain mongod (and this server) refuses these like this. */
export const searchNotEnabled = (): MongoServerError =>
  new MongoServerError(
    31082,
    'Atlas Search database commands and the $listSearchIndexes/$search/$vectorSearch stages need Atlas or an ' +
      'Atlas CLI local deployment; this server has no search engine.',
  );

export const SEARCH_STAGES = ['$listSearchIndexes', '$search', '$searchMeta', '$vectorSearch'];

const refuse: Handler = () => {
  throw searchNotEnabled();
};

export const searchIndexCommands: Record<string, Handler> = {
  createSearchIndexes: refuse,
  updateSearchIndex: refuse,
  dropSearchIndex: refuse,
};
