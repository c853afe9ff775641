export function label(name) {
  let text = "hello " + name;
  return text;
}
