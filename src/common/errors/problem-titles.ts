/**
 * Titles of problem types in English and Vietnamese. A code missing here falls back to the
 * generic title of its HTTP status.
 */
export const PROBLEM_TITLES: Record<string, { en: string; vi: string }> = {
  VALIDATION_FAILED: { en: 'Invalid request', vi: 'Yêu cầu không hợp lệ' },
  MALFORMED_JSON: { en: 'Malformed JSON body', vi: 'Nội dung JSON không đúng định dạng' },
  UNSUPPORTED_MEDIA_TYPE: { en: 'Unsupported media type', vi: 'Kiểu nội dung không được hỗ trợ' },
  PAYLOAD_TOO_LARGE: { en: 'Request body too large', vi: 'Nội dung gửi lên quá lớn' },
  ROUTE_NOT_FOUND: { en: 'No such route', vi: 'Không có đường dẫn này' },
  NOT_FOUND: { en: 'Not found', vi: 'Không tìm thấy' },
  VERSION_CONFLICT: { en: 'Edited by someone else', vi: 'Dữ liệu đã được người khác sửa' },
  UNAUTHENTICATED: { en: 'Authentication required', vi: 'Cần đăng nhập' },
  FORBIDDEN: { en: 'Not allowed', vi: 'Không có quyền' },
  TOO_MANY_REQUESTS: { en: 'Too many requests', vi: 'Quá nhiều yêu cầu' },
  SERVICE_UNAVAILABLE: { en: 'Service temporarily unavailable', vi: 'Dịch vụ tạm thời không sẵn sàng' },
  EXPORT_NOT_READY: { en: 'Export not ready', vi: 'Tệp xuất chưa sẵn sàng' },
  EXPORT_FORMAT_UNSUPPORTED: { en: 'Format not available for this report', vi: 'Định dạng không hỗ trợ cho báo cáo này' },
  INTERNAL_ERROR: { en: 'Unexpected error', vi: 'Lỗi không mong muốn' },
};

const STATUS_TITLES: Record<number, { en: string; vi: string }> = {
  400: { en: 'Bad request', vi: 'Yêu cầu không hợp lệ' },
  401: PROBLEM_TITLES.UNAUTHENTICATED!,
  403: PROBLEM_TITLES.FORBIDDEN!,
  404: PROBLEM_TITLES.NOT_FOUND!,
  405: { en: 'Method not allowed', vi: 'Phương thức không được phép' },
  406: { en: 'Not acceptable', vi: 'Không chấp nhận được' },
  409: { en: 'Conflict', vi: 'Xung đột dữ liệu' },
  412: { en: 'Precondition failed', vi: 'Điều kiện tiên quyết không thỏa' },
  413: PROBLEM_TITLES.PAYLOAD_TOO_LARGE!,
  415: PROBLEM_TITLES.UNSUPPORTED_MEDIA_TYPE!,
  422: { en: 'Cannot be processed', vi: 'Không thể xử lý' },
  429: PROBLEM_TITLES.TOO_MANY_REQUESTS!,
  500: PROBLEM_TITLES.INTERNAL_ERROR!,
  503: PROBLEM_TITLES.SERVICE_UNAVAILABLE!,
};

export type Language = 'en' | 'vi';

export function problemTitle(code: string, status: number, lang: Language): string {
  const entry = PROBLEM_TITLES[code] ?? STATUS_TITLES[status] ?? { en: 'Error', vi: 'Lỗi' };
  return entry[lang];
}

/** Picks Vietnamese when the client prefers it over English; English otherwise. */
export function preferredLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'en';
  let best: { lang: Language; q: number } = { lang: 'en', q: -1 };
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    const lang: Language | undefined = tag.startsWith('vi') ? 'vi' : tag.startsWith('en') ? 'en' : undefined;
    if (lang && Number.isFinite(q) && q > best.q) best = { lang, q };
  }
  return best.lang;
}

export function codeToSlug(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}
