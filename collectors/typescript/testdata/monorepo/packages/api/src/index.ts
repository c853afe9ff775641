import { greet, type User } from "./user.js";

const admin: User = {
  id: 1,
  name: "admin",
  address: { street: "Main St", zip: "12345" },
};

const port: number = "8080";

export function start(): string {
  void [greet(admin), port];
  return greet({ id: 2, name: "guest" });
}

export const total = count + 1;

const draft = { id: 3, name: "draft", address: { street: "Side St", zip: "999" } };
export const saved: User = draft;
