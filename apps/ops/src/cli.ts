console.log("ops cli placeholder");
