console.log('checkout placeholder');
