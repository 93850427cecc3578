export const x = 1; console.log("cli", x);
