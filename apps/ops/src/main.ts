console.log("ops placeholder");
