/** @module A fixed list of values as the options of a <select>, in the list's order, each by its name. */

export interface OptionsProps<V extends string | number> {
  values: readonly V[];
  name: (value: V) => string;
}

/** @example <select value={k.type} onChange={…}><Options values={TICKET_TYPES} name={typeName} /></select> */
export function Options<V extends string | number>({ values, name }: OptionsProps<V>) {
  return (
    <>
      {values.map((v) => (
        <option key={v} value={v}>
          {name(v)}
        </option>
      ))}
    </>
  );
}
