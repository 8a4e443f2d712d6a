// A list filter as a labelled select: "any" (the empty value) or one of the choices, each
// shown by its name.

export function FilterSelect<V extends string>({
  label,
  testId,
  value,
  any,
  choices,
  names,
  onChange,
}: {
  label: string;
  testId: string;
  value: string;
  any: string;
  choices: readonly V[];
  names: Record<V, string>;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}
      <select data-testid={testId} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{any}</option>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {names[choice]}
          </option>
        ))}
      </select>
    </label>
  );
}
