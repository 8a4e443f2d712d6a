import { Link } from "react-router";
import { strings } from "../strings";

const s = strings.settings.noAccess;

/** A page the member's role may not open (the server refuses its API calls too). */
export function NoAccess({ role }: { role: string }) {
  return (
    <section className="centered no-access" aria-labelledby="no-access-title" data-testid="no-access">
      <h1 id="no-access-title">{s.title}</h1>
      <p>{s.body(role)}</p>
      <p>
        <Link to="/inbox">{s.back}</Link>
      </p>
    </section>
  );
}
