// An instant from the API as a <time> element, or a muted dash when there is none.
import { type DateFormat, formatDate } from "../dates";

export function When({ at, format = "medium" }: { at: string | null | undefined; format?: DateFormat }) {
  if (!at) return <span className="muted">—</span>;
  return <time dateTime={at}>{formatDate(at, format)}</time>;
}
