import { strings } from "../strings";

/** An honest placeholder for a section the dashboard does not have yet. */
export function Coming({ section }: { section: string }) {
  return (
    <section className="coming" aria-labelledby="coming-title">
      <h1 id="coming-title">{strings.coming.title(section)}</h1>
      <p>{strings.coming.body}</p>
      <p>
        <a href="/api/docs">{strings.coming.apiDocs}</a>
      </p>
    </section>
  );
}
