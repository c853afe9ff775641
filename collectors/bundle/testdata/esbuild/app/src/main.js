import { formatPrice } from "./price.js";
import { render } from "./render.js";
import "./style.css";

const items = [
  { name: "coffee", cents: 350 },
  { name: "tea", cents: 275 },
];

render(document.body, items.map((i) => `${i.name}: ${formatPrice(i.cents)}`));
