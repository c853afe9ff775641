console.log('libs/shablon/shablon.iife.js stands in for the built file');
