import { strings } from "../strings";
import { Dialog } from "./Dialog";

const text = strings.inboxList.shortcuts;

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog labelledBy="shortcuts-title" onClose={onClose} testId="shortcuts-help">
      <h2 id="shortcuts-title">{text.title}</h2>
      <dl className="shortcuts">
        {text.keys.map(([key, what]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          {text.close}
        </button>
      </div>
    </Dialog>
  );
}
