console.log('merchant placeholder');
