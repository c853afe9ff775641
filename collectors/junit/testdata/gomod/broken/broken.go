package broken

func Value() int { return 1 }
