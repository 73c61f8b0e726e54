/** Harbor's paging: `page` from 1, `page_size` 10 by default, at most 100 (more is a 422). */
export interface Page {
  page: number;
  pageSize: number;
  offset: number;
}

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

/** The page a request asks for, or the validation message Harbor would give. */
export function requestedPage(query: URLSearchParams): Page | { error: string } {
  const page = integer(query.get('page'), 1);
  const pageSize = integer(query.get('page_size'), DEFAULT_PAGE_SIZE);
  if (page === undefined) return { error: 'page in query must be of type int64' };
  if (pageSize === undefined) return { error: 'page_size in query must be of type int64' };
  if (pageSize > MAX_PAGE_SIZE)
    return { error: `page_size in query should be less than or equal to ${MAX_PAGE_SIZE}` };
  const size = pageSize > 0 ? pageSize : DEFAULT_PAGE_SIZE;
  const number = page > 0 ? page : 1;
  return { page: number, pageSize: size, offset: (number - 1) * size };
}

/**
 * X-Total-Count and Link as Harbor writes them: relative links to the previous and next pages, with the
 * request's other query parameters kept, joined by " , ".
 */
export function pageHeaders(url: URL, page: Page, total: number): Record<string, string> {
  const link = (number: number) => {
    const target = new URLSearchParams(url.searchParams);
    target.set('page', String(number));
    target.set('page_size', String(page.pageSize));
    return `<${url.pathname}?${target}>`;
  };
  const links: string[] = [];
  if (page.page > 1) links.push(`${link(page.page - 1)}; rel="prev"`);
  if (page.offset + page.pageSize < total) links.push(`${link(page.page + 1)}; rel="next"`);
  const headers: Record<string, string> = { 'x-total-count': String(total) };
  if (links.length > 0) headers.link = links.join(' , ');
  return headers;
}

function integer(text: string | null, fallback: number): number | undefined {
  if (text === null || text === '') return fallback;
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}
