console.log('libs/uplot/uplot.iife.js stands in for the built file');
