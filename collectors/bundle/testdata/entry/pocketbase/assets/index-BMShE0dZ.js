console.log('assets/index-BMShE0dZ.js stands in for the built file');
