module example.com/fixture/vet

go 1.22
