// sh expands src/**/* as src/*/*: this file is linted.
var util = 1
export default util
