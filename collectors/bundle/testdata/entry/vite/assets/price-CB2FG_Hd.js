const p=e=>(e*1.2).toFixed(2)+" EUR "+"x".repeat(100);export{p};
