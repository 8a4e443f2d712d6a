// Filters kept in the address (?name=value&...), so a filtered list can be bookmarked,
// shared and reloaded, and the back button works.
import { useSearchParams } from "react-router";

/** The address's parameters and a setter for one of them: an empty value removes it, and
 * the history entry is replaced. With `paged`, changing anything but the offset goes back to
 * the first page. */
export function useAddressFilters({ paged = false }: { paged?: boolean } = {}) {
  const [params, setParams] = useSearchParams();
  const set = (name: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        if (paged && name !== "offset") next.delete("offset");
        return next;
      },
      { replace: true },
    );
  return [params, set, setParams] as const;
}
