// Outside what the lint script names: never linted by the project.
var generated = 1
export { generated }
