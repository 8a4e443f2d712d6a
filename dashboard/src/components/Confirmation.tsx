// "Are you sure?" in place of a destructive action: the question, confirm and cancel.

export function Confirmation({
  question,
  confirm,
  cancel,
  busy,
  onConfirm,
  onCancel,
}: {
  question: string;
  confirm: string;
  cancel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button type="button" className="danger" disabled={busy} onClick={onConfirm}>
        {confirm}
      </button>
      <button type="button" onClick={onCancel}>
        {cancel}
      </button>
    </div>
  );
}
