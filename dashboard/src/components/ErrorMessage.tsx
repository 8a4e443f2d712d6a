// A failed request announced to the member: "Something went wrong: <the API's reason>".
import { strings } from "../strings";

export function ErrorMessage({ error, className }: { error: Error | null | undefined; className?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className={className}>
      {strings.error(error.message)}
    </p>
  );
}
