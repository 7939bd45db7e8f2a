console.log('fraud placeholder');
