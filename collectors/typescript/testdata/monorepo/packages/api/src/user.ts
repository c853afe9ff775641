export interface Address {
  street: string;
  zip: number;
}

export interface User {
  id: number;
  name: string;
  address: Address;
}

export function greet(user: User): string {
  return "hello " + user.name;
}
