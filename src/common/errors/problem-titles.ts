/**
 * Titles of problem types in English and Vietnamese. A code missing here falls back to the
 * generic title of its HTTP status.
 */
export const PROBLEM_TITLES: Record<string, { en: string; vi: string }> = {
  VALIDATION_FAILED: { en: 'Invalid request', vi: 'Yêu cầu không hợp lệ' },
  MALFORMED_JSON: { en: 'Malformed JSON body', vi: 'Nội dung JSON không đúng định dạng' },
  MALFORMED_MULTIPART: { en: 'Malformed multipart body', vi: 'Nội dung multipart không đúng định dạng' },
  UNSUPPORTED_MEDIA_TYPE: { en: 'Unsupported media type', vi: 'Kiểu nội dung không được hỗ trợ' },
  PAYLOAD_TOO_LARGE: { en: 'Request body too large', vi: 'Nội dung gửi lên quá lớn' },
  ROUTE_NOT_FOUND: { en: 'No such route', vi: 'Không có đường dẫn này' },
  NOT_FOUND: { en: 'Not found', vi: 'Không tìm thấy' },
  VERSION_CONFLICT: { en: 'Edited by someone else', vi: 'Dữ liệu đã được người khác sửa' },
  VERSION_REQUIRED: { en: 'Say which version you edited', vi: 'Cần gửi phiên bản dữ liệu đang sửa' },
  INVALID_IF_MATCH: { en: 'Invalid If-Match header', vi: 'Tiêu đề If-Match không hợp lệ' },
  ORGANISATION_CYCLE: { en: 'An organisation cannot move under itself', vi: 'Không thể chuyển tổ chức vào chính nó hoặc đơn vị cấp dưới của nó' },
  ORGANISATION_CODE_TAKEN: { en: 'Organisation code already in use', vi: 'Mã tổ chức đã được sử dụng' },
  ORGANISATION_NOT_FOUND: { en: 'Organisation not found', vi: 'Không tìm thấy tổ chức' },
  PARENT_NOT_FOUND: { en: 'Parent organisation not found', vi: 'Không tìm thấy tổ chức cấp trên' },
  SECRETARY_NOT_IN_ORGANISATION: { en: 'The secretary must belong to the organisation', vi: 'Bí thư phải là cộng tác viên của tổ chức' },
  COLLABORATOR_CODE_TAKEN: { en: 'Collaborator code already in use', vi: 'Mã cộng tác viên đã được sử dụng' },
  CHANNEL_URL_TAKEN: { en: 'Channel already registered', vi: 'Kênh đã được đăng ký' },
  CHANNEL_CODE_TAKEN: { en: 'Channel code already in use', vi: 'Mã kênh đã được sử dụng' },
  CHANNEL_ADMIN_OUTSIDE: { en: 'Administrator outside the organisation', vi: 'Quản trị viên không thuộc tổ chức' },
  UNAUTHENTICATED: { en: 'Authentication required', vi: 'Cần đăng nhập' },
  FORBIDDEN: { en: 'Not allowed', vi: 'Không có quyền' },
  INVALID_CREDENTIALS: { en: 'Login failed', vi: 'Đăng nhập không thành công' },
  INVALID_REFRESH_TOKEN: { en: 'Session expired', vi: 'Phiên đăng nhập đã hết hạn' },
  LOGIN_TAKEN: { en: 'Login already in use', vi: 'Tên đăng nhập đã được sử dụng' },
  COLLABORATOR_HAS_ACCOUNT: { en: 'Collaborator already has an account', vi: 'Cộng tác viên đã có tài khoản' },
  COLLABORATOR_NOT_FOUND: { en: 'Collaborator does not exist', vi: 'Không có cộng tác viên này' },
  CANNOT_DISABLE_SELF: { en: 'Cannot disable your own account', vi: 'Không thể tự khóa tài khoản của mình' },
  CANNOT_DEMOTE_SELF: { en: 'Cannot remove your own admin role', vi: 'Không thể tự bỏ quyền quản trị của mình' },
  TOO_MANY_REQUESTS: { en: 'Too many requests', vi: 'Quá nhiều yêu cầu' },
  SERVICE_UNAVAILABLE: { en: 'Service temporarily unavailable', vi: 'Dịch vụ tạm thời không sẵn sàng' },
  EXPORT_NOT_READY: { en: 'Export not ready', vi: 'Tệp xuất chưa sẵn sàng' },
  EXPORT_FORMAT_UNSUPPORTED: { en: 'Format not available for this report', vi: 'Định dạng không hỗ trợ cho báo cáo này' },
  INTERNAL_ERROR: { en: 'Unexpected error', vi: 'Lỗi không mong muốn' },
  PROOF_IMAGE_MISSING: { en: 'Proof image missing', vi: 'Thiếu ảnh minh chứng' },
  PROOF_IMAGE_TOO_MANY_FILES: { en: 'Only one proof image allowed', vi: 'Chỉ được gửi một ảnh minh chứng' },
  PROOF_IMAGE_TOO_LARGE: { en: 'Proof image too large', vi: 'Ảnh minh chứng quá lớn' },
  PROOF_IMAGE_TYPE_UNSUPPORTED: { en: 'Not a JPEG, PNG or WebP image', vi: 'Tệp không phải ảnh JPEG, PNG hoặc WebP' },
  PROOF_IMAGE_INVALID: { en: 'Unreadable proof image', vi: 'Ảnh minh chứng bị hỏng hoặc không đọc được' },
  PROOF_IMAGE_TOO_MANY_PIXELS: { en: 'Proof image dimensions too large', vi: 'Kích thước ảnh minh chứng quá lớn' },
  TASK_NOT_PENDING: { en: 'Task is not open', vi: 'Nhiệm vụ không còn ở trạng thái chờ thực hiện' },
  TASK_NOT_AWAITING_REVIEW: { en: 'Task is not awaiting review', vi: 'Nhiệm vụ không ở trạng thái chờ duyệt' },
  IMPORT_FILE_UNSUPPORTED: { en: 'Not an .xlsx or .csv file', vi: 'Tệp không phải .xlsx hoặc .csv' },
  IMPORT_FILE_EMPTY: { en: 'The file is empty', vi: 'Tệp rỗng' },
  INVALID_CURSOR: { en: 'Invalid cursor', vi: 'Con trỏ phân trang không hợp lệ' },
  UNKNOWN_ORGANISATION: { en: 'Unknown organisation', vi: 'Tổ chức không tồn tại' },
  STARTS_AFTER_DEADLINE: { en: 'Start is after the deadline', vi: 'Thời điểm bắt đầu sau hạn chót' },
  DEADLINE_IN_PAST: { en: 'Deadline in the past', vi: 'Hạn chót đã qua' },
  CAMPAIGN_HAS_NO_ITEMS: { en: 'Campaign has no content items', vi: 'Chiến dịch chưa có tin, bài' },
  CAMPAIGN_LAUNCHED: { en: 'Campaign already launched', vi: 'Chiến dịch đã được phát động' },
  CAMPAIGN_CLOSED: { en: 'Campaign closed', vi: 'Chiến dịch đã kết thúc' },
  CAMPAIGN_NOT_LAUNCHED: { en: 'Campaign not launched', vi: 'Chiến dịch chưa được phát động' },
  TASK_NOT_OPEN: { en: 'Task is not open', vi: 'Nhiệm vụ không còn mở' },
  TASK_ALREADY_OPEN: { en: 'Task is already open', vi: 'Nhiệm vụ đang mở' },
  PROOF_URL_INVALID: { en: 'Invalid proof link', vi: 'Đường dẫn minh chứng không hợp lệ' },
  PROOF_PLATFORM_MISMATCH: { en: 'Proof link is on another platform', vi: 'Đường dẫn minh chứng không thuộc nền tảng của nhiệm vụ' },
  PROOF_REUSED: { en: 'Proof link already used', vi: 'Đường dẫn minh chứng đã được dùng cho nhiệm vụ khác' },
  IDEMPOTENCY_KEY_INVALID: { en: 'Invalid Idempotency-Key', vi: 'Idempotency-Key không hợp lệ' },
  IDEMPOTENCY_KEY_REUSED: { en: 'Idempotency-Key reused', vi: 'Idempotency-Key đã dùng cho yêu cầu khác' },
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
  428: { en: 'Precondition required', vi: 'Cần điều kiện tiên quyết' },
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
