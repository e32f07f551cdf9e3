import type { TFunction } from 'i18next';
import { ApiError, NetworkError } from '../api/problem';

export interface ErrorWords {
  title: string;
  detail?: string;
  fields: string[];
}

/**
 * An error in words a person understands. The API's problem title comes in the chosen language
 * (Accept-Language); its detail is English, so it is shown in English only. A few codes get a
 * sentence that says what to do next.
 */
export function describeError(error: unknown, t: TFunction): ErrorWords {
  if (error instanceof NetworkError) return { title: t('error.network'), detail: t('error.networkHint'), fields: [] };
  if (error instanceof ApiError) {
    const code = error.problem.code;
    const known = code ? t(`error.code.${code}`, { defaultValue: '' }) : '';
    const fallback = error.status >= 500 ? t('error.server') : error.status === 403 ? t('error.forbidden') : error.status === 401 ? t('error.unauthenticated') : '';
    const title = known || error.problem.title || fallback || t('error.unknown');
    const english = t('lang') === 'en';
    const detail = english && error.problem.detail && error.problem.detail !== title ? error.problem.detail : known ? undefined : fallback && fallback !== title ? fallback : undefined;
    const fields = (error.problem.errors ?? []).map((f) => `${f.field ? `${t(`field.${f.field}`, { defaultValue: f.field })}: ` : ''}${f.message ?? f.detail ?? ''}`);
    return { title, detail, fields };
  }
  return { title: t('error.unknown'), fields: [] };
}
