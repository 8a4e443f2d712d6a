import { strings } from "../strings";

export function SignedOut() {
  return (
    <main className="signed-out" aria-labelledby="signed-out-title">
      <h1 id="signed-out-title">{strings.signedOut.title}</h1>
      <p>{strings.signedOut.body}</p>
      <pre>
        <code>{strings.signedOut.command}</code>
      </pre>
      <button type="button" onClick={() => window.location.reload()}>
        {strings.signedOut.reload}
      </button>
    </main>
  );
}
