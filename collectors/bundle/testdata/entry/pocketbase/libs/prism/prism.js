console.log('libs/prism/prism.js stands in for the built file');
