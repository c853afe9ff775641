import { helper } from './helper.js'

const unused = 1

export function check(value) {
  let label = 'value'
  if (value == null) {
    console.log(label)
  }
  // eslint-disable-next-line no-console -- the start-up banner is meant for operators
  console.info('ready')
  /* eslint-disable-next-line eqeqeq */
  return helper(value) == 2
}
