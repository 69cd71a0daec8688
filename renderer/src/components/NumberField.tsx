// A whole-number field with its label, hint and error, wired for screen readers.
export interface NumberFieldProps {
  readonly id: string;
  readonly label: string;
  readonly hint: string;
  readonly value: string;
  readonly onChange: (v: string) => void;
  readonly error?: string | undefined;
}

export function NumberField(props: NumberFieldProps) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        className="input input-num"
        type="number"
        min={1}
        inputMode="numeric"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={!!props.error}
        aria-describedby={`${props.id}-hint`}
      />
      <p id={`${props.id}-hint`} className="field-hint">
        {props.hint}
      </p>
      {props.error && <p className="field-error">{props.error}</p>}
    </div>
  );
}
