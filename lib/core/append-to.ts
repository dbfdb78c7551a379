/** A Map or WeakMap of lists. */
interface ListMap<K, V> {
  get(key: K): V[] | undefined;
  set(key: K, value: V[]): unknown;
}

/** Adds `value` to the list kept under `key`, starting the list when there is none. */
export function appendTo<K, V>(map: ListMap<K, V>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
