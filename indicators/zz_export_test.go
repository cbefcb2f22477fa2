package indicators

var SyntheticFramework, StorePanel = syntheticFramework, storePanel
